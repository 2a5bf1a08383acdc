--
-- PostgreSQL database dump
--

\restrict ohjmItgh9PtEa0n8HDM6bm3QQBWC7tDqsvx3H0nlxNY8b5mTtMpOJa0vyQyH6kV

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: relay_registry; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.relay_registry (
    collection text NOT NULL,
    key text NOT NULL,
    record jsonb NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: relay_schema; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.relay_schema (
    version integer NOT NULL
);


--
-- Data for Name: relay_registry; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.relay_registry VALUES ('tenants', 'acme', '{"id": "acme", "name": "acme", "limits": {"maxDevices": 10, "maxSessions": 0, "callsPerMinute": 0, "deviceCallsPerMinute": 0}, "policy": {"denyTools": [], "allowTools": ["*"], "denyTargets": [], "allowTargets": ["*"]}, "status": "ACTIVE", "createdAt": 1796123433702, "fingerprint": "c26b5563ec626c1d76760a78c76dabd9dcfaacfe443c86d50c9c1e5df0982f4c"}', '2026-12-01 11:10:34.167389+00');
INSERT INTO public.relay_registry VALUES ('providers', 'home', '{"target": "home", "createdAt": 1796123434202, "tokenHash": "sha256:d1061457f6107d777f13993c7e8bd98f5600625cecdda5ca990814b9fdca7926", "fingerprint": "sha256:d1061457f6107d777f13993c7e8bd98f5600625cecdda5ca990814b9fdca7926", "previousTokenHash": null, "previousValidUntil": 0}', '2026-12-01 11:10:34.221602+00');
INSERT INTO public.relay_registry VALUES ('devices', 'acme/kitchen', '{"id": "kitchen", "name": "kitchen", "policy": null, "status": "ACTIVE", "tenant": "acme", "createdAt": 1796123434291, "tokenHash": "sha256:052c91e6448c9931dffd5bc8398665e07de4b21394f18e75a6bb84687c795122", "fingerprint": "e278af3c214ae977b4c1b4425ee67aca0a5a9de8b193a59a20df822974d3bfea", "encryptedEndpoint": "v1:Y7xKAcuisAmW9juwrunDPVl+E21bBxy39Tv92gfhCXh1C2JzjwYRjfkRfM43poWtTQAj+HpY7iiuztmYWozqNaRIIcDy7ckUQqCoRCJF", "previousTokenHash": null, "previousValidUntil": 0}', '2026-12-01 11:10:34.79067+00');
INSERT INTO public.relay_registry VALUES ('tenants', 'shop', '{"id": "shop", "name": "Shop", "limits": {"maxDevices": 5, "maxSessions": 0, "callsPerMinute": 600, "deviceCallsPerMinute": 0}, "policy": {"denyTools": [], "allowTools": ["*"], "denyTargets": [], "allowTargets": ["*"]}, "status": "ACTIVE", "createdAt": 1796123439463, "fingerprint": null}', '2026-12-01 11:10:39.540216+00');
INSERT INTO public.relay_registry VALUES ('devices', 'shop/till', '{"id": "till", "name": "Till", "policy": null, "status": "ACTIVE", "tenant": "shop", "createdAt": 1796123440041, "tokenHash": "sha256:72ee2fe6dee5382e8ddbfd62921074b78bdf533f87ca9979aa1bcd5952678dfc", "fingerprint": null, "encryptedEndpoint": "v1:9LWW8dz8TmQA4xrzuzLvrhyQWBUf0U4Wo9kDT8XsQS8OVJ7ACOFkcwoNW5BR4jl7Co7ChVJ3M4eAqIcfSO+pLp6xPcaERQxFZIkCDr4=", "previousTokenHash": null, "previousValidUntil": 0}', '2026-12-01 11:10:40.080245+00');
INSERT INTO public.relay_registry VALUES ('devices', 'shop/door', '{"id": "door", "name": "Door", "policy": null, "status": "ACTIVE", "tenant": "shop", "createdAt": 1796123440448, "tokenHash": "sha256:387270b72644915d45f3ae8e06a0073e90a5282b5210e2290d685d2660560146", "fingerprint": null, "encryptedEndpoint": null, "previousTokenHash": null, "previousValidUntil": 0}', '2026-12-01 11:10:40.452212+00');
INSERT INTO public.relay_registry VALUES ('devices', 'shop/gone', '{"id": "gone", "name": "Gone", "policy": null, "status": "DISABLED", "tenant": "shop", "createdAt": 1796123440827, "tokenHash": "sha256:48c741d045ff5c8ccf599b9e4d59b4218ec1327ba4af375939ec908f1982d43a", "fingerprint": null, "encryptedEndpoint": null, "previousTokenHash": null, "previousValidUntil": 0}', '2026-12-01 11:10:41.414259+00');


--
-- Data for Name: relay_schema; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.relay_schema VALUES (1);


--
-- Name: relay_registry relay_registry_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.relay_registry
    ADD CONSTRAINT relay_registry_pkey PRIMARY KEY (collection, key);


--
-- PostgreSQL database dump complete
--

\unrestrict ohjmItgh9PtEa0n8HDM6bm3QQBWC7tDqsvx3H0nlxNY8b5mTtMpOJa0vyQyH6kV

