-- corro example fleet schema: what a host agent publishes and what the .internal DNS
-- responder and the placement helper read. See examples/README.md.
--
-- corro's schema rules hold: every table has a NOT NULL primary key, no UNIQUE index besides
-- the key, no foreign keys, and every other NOT NULL column has a DEFAULT.
--
-- Ownership: each host's agent is the only writer of its own hosts row and of the
-- machines rows whose host_id is its id, so rows never see concurrent writers.

-- One row per physical host.
CREATE TABLE hosts (
  id TEXT NOT NULL PRIMARY KEY,              -- stable host name, e.g. 'ams-1'
  region TEXT NOT NULL DEFAULT '',           -- region code, e.g. 'ams'
  actor_id TEXT NOT NULL DEFAULT '',         -- corro actor id of the agent on this host
  gossip_addr TEXT NOT NULL DEFAULT '',      -- corro gossip address, host:port
  state TEXT NOT NULL DEFAULT 'up',          -- 'up' (accepts machines) or 'draining'
  cpus_total INTEGER NOT NULL DEFAULT 0,     -- CPUs the host offers to machines
  memory_mb_total INTEGER NOT NULL DEFAULT 0, -- memory the host offers to machines, MB
  cpus_free INTEGER NOT NULL DEFAULT 0,      -- cpus_total minus the machines' reservations
  memory_mb_free INTEGER NOT NULL DEFAULT 0, -- memory_mb_total minus the machines' reservations, MB
  machines_count INTEGER NOT NULL DEFAULT 0, -- machines on this host that hold a reservation
  updated_at_ms INTEGER NOT NULL DEFAULT 0   -- host's wall clock at its last write, ms since epoch
);
CREATE INDEX hosts_region ON hosts (region);

-- One row per machine (a VM or container of an app) placed on a host.
CREATE TABLE machines (
  id TEXT NOT NULL PRIMARY KEY,              -- machine id, a DNS label: [a-z0-9-], e.g. '3d8d9e1c2f4a01'
  app TEXT NOT NULL DEFAULT '',              -- app name, a DNS label
  region TEXT NOT NULL DEFAULT '',           -- region code of its host
  process_group TEXT NOT NULL DEFAULT 'app', -- process group, a DNS label, e.g. 'web', 'worker'
  ipv6 TEXT NOT NULL DEFAULT '',             -- private IPv6 address, e.g. 'fdaa:0:1:a7b::2'
  state TEXT NOT NULL DEFAULT 'created',     -- created | started | stopped | destroyed
  host_id TEXT NOT NULL DEFAULT '',          -- hosts.id of the host running it
  cpus INTEGER NOT NULL DEFAULT 1,           -- CPUs reserved on the host
  memory_mb INTEGER NOT NULL DEFAULT 256,    -- memory reserved on the host, MB
  image TEXT NOT NULL DEFAULT '',            -- image reference, informative
  updated_at_ms INTEGER NOT NULL DEFAULT 0   -- host's wall clock at its last write, ms since epoch
);
CREATE INDEX machines_app ON machines (app);
CREATE INDEX machines_host ON machines (host_id);
