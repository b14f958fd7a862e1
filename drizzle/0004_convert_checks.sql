-- Converts raw checks from the JSON layout (checks) to the packed one
-- (check_results, issue 11.3); 0005 then drops checks. The packing is the
-- one src/lib/server/db/queries/ping-codec.ts documents and decodes.
CREATE FUNCTION pg_temp.porthole_varint(n numeric) RETURNS bytea LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	b bytea := '\x'::bytea;
BEGIN
	WHILE n >= 128 LOOP
		b := b || set_byte('\x00'::bytea, 0, (mod(n, 128) + 128)::int);
		n := div(n, 128);
	END LOOP;
	RETURN b || set_byte('\x00'::bytea, 0, n::int);
END $$;
--> statement-breakpoint
-- Whole microseconds of a JSON number of ms, or null when it is not exactly that.
CREATE FUNCTION pg_temp.porthole_micros(ms jsonb) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN jsonb_typeof(ms) = 'number' AND (ms::text)::numeric >= 0
		AND (ms::text)::numeric * 1000 = trunc((ms::text)::numeric * 1000)
		AND (ms::text)::numeric * 1000 <= 281474976710656
		THEN (ms::text)::numeric * 1000 END
$$;
--> statement-breakpoint
CREATE FUNCTION pg_temp.porthole_pack(version integer, pings jsonb) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE
	out bytea := pg_temp.porthole_varint(version);
	p jsonb;
	head integer;
	lat_us numeric;
	addr integer;
	addr_id integer;
	dns integer;
	dns_us numeric;
	err bytea;
BEGIN
	FOR p IN SELECT e FROM jsonb_array_elements(pings) WITH ORDINALITY AS x(e, i) ORDER BY i LOOP
		head := CASE p->>'status' WHEN 'open' THEN 0 WHEN 'timeout' THEN 1 ELSE 2 END;
		lat_us := pg_temp.porthole_micros(p->'latency');
		IF lat_us IS NULL THEN head := head | 128; END IF;
		addr := 0;
		IF jsonb_typeof(p->'address') = 'string' THEN
			IF p->>'address' = p->>'host' THEN
				addr := 1;
			ELSE
				addr := 2;
				SELECT id INTO addr_id FROM ping_addresses WHERE address = p->>'address';
			END IF;
		END IF;
		head := head | (addr << 2);
		dns := 0;
		dns_us := NULL;
		IF jsonb_typeof(p->'dnsLatency') = 'number' THEN
			dns_us := pg_temp.porthole_micros(p->'dnsLatency');
			dns := CASE WHEN (p->>'dnsLatency')::numeric = 0 THEN 1 WHEN dns_us IS NOT NULL THEN 2 ELSE 3 END;
		END IF;
		head := head | (dns << 4);
		err := NULL;
		IF jsonb_typeof(p->'error') = 'string' THEN
			err := convert_to(p->>'error', 'UTF8');
			head := head | 64;
		END IF;
		out := out || set_byte('\x00'::bytea, 0, head);
		out := out || CASE WHEN lat_us IS NULL THEN float8send(coalesce((p->>'latency')::float8, 0)) ELSE pg_temp.porthole_varint(lat_us) END;
		IF addr = 2 THEN out := out || pg_temp.porthole_varint(addr_id); END IF;
		IF dns = 2 THEN out := out || pg_temp.porthole_varint(dns_us);
		ELSIF dns = 3 THEN out := out || float8send((p->>'dnsLatency')::float8);
		END IF;
		IF err IS NOT NULL THEN out := out || pg_temp.porthole_varint(length(err)) || err; END IF;
	END LOOP;
	RETURN out;
END $$;
--> statement-breakpoint
CREATE TEMPORARY TABLE porthole_old_checks AS
SELECT c.monitor_id, c.ts, c.status, c.latency, c.pings, c.error,
	(SELECT coalesce(jsonb_agg(jsonb_build_object('host', e->'host', 'port', e->'port', 'type', e->'type') ORDER BY i), '[]'::jsonb)
		FROM jsonb_array_elements(c.pings) WITH ORDINALITY AS x(e, i)) AS host_list
FROM checks c;
--> statement-breakpoint
INSERT INTO check_host_lists (monitor_id, version, hosts)
SELECT monitor_id, row_number() OVER (PARTITION BY monitor_id ORDER BY first_ts), host_list
FROM (SELECT monitor_id, host_list, min(ts) AS first_ts FROM porthole_old_checks GROUP BY monitor_id, host_list) g;
--> statement-breakpoint
INSERT INTO ping_addresses (address)
SELECT DISTINCT e->>'address'
FROM porthole_old_checks c, jsonb_array_elements(c.pings) AS e
WHERE jsonb_typeof(e->'address') = 'string' AND e->>'address' IS DISTINCT FROM e->>'host'
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO check_results (monitor_id, ts, latency, status, hosts, error)
SELECT c.monitor_id,
	floor(extract(epoch FROM c.ts) - 1577836800)::integer,
	c.latency,
	CASE c.status WHEN 'UP' THEN 0 WHEN 'DEGRADED' THEN 1 WHEN 'DOWN' THEN 2 ELSE 3 END,
	pg_temp.porthole_pack(l.version, c.pings),
	c.error
FROM porthole_old_checks c
JOIN check_host_lists l ON l.monitor_id = c.monitor_id AND l.hosts = c.host_list
ON CONFLICT DO NOTHING;
--> statement-breakpoint
DROP TABLE porthole_old_checks;
--> statement-breakpoint
DROP FUNCTION pg_temp.porthole_pack(integer, jsonb);
--> statement-breakpoint
DROP FUNCTION pg_temp.porthole_micros(jsonb);
--> statement-breakpoint
DROP FUNCTION pg_temp.porthole_varint(numeric);
