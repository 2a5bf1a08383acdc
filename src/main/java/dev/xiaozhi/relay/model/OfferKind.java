package dev.xiaozhi.relay.model;

/** What a target offers and a policy filters: tools, prompts and resources (with their templates). */
public enum OfferKind {

    /** Tools, by catalog name ({@code <target>___<tool>}). */
    TOOL,
    /** Prompts, by catalog name ({@code <target>___<prompt>}). */
    PROMPT,
    /** Resources and resource templates, by catalog URI (or URI template). */
    RESOURCE
}
