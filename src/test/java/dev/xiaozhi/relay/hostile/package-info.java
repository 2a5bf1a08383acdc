/**
 * The hostile-input suite: one test class per attack area of issue 11, each playing the attacker against a started
 * relay or a real component (a Hazelcast client and a rogue member on the cluster's ports, the latter also writing
 * back registry entries it read before a revocation, a target answering with huge bodies or endless cursors, a child
 * printing its environment, no longer reading, forking, hanging or printing endless lines, a provider that stops
 * reading or goes silent, sockets that never upgrade,
 * a thundering herd of bad tokens, patterns built to backtrack, addresses built to slip past the destination guard,
 * path parameters made of dots, client values carrying line breaks into the log, progress larger than the result
 * cap, one device opening hundreds of sessions, a tampered journal, guessed admin tokens, cancelled queued calls; and
 * for issue 14's fleet view, a stream that is never read, streams over the cap, pages over the bound, unknown names;
 * and for its dashboard, the session cookie sent by a forged cross-site change, by a reader, after sign-out or idle
 * expiry, a sign-in posted from another origin, and an admin token put in a URL).
 * Every test states what the attacker did and asserts that the relay kept its bound.
 */
package dev.xiaozhi.relay.hostile;
