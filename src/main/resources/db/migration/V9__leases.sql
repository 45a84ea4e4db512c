-- Several servers on one store (docs/configuration.md, "Scale-out"). The server evaluating a trial
-- holds a lease on it and renews it while it works; a RUNNING trial whose lease ran out belongs to a
-- server that stopped, and any server re-queues it. A campaign runner's turns are leased the same
-- way, so that only one server proposes for a run at a time. Portable across H2 and PostgreSQL.
ALTER TABLE trial ADD COLUMN lease_owner VARCHAR(64);
ALTER TABLE trial ADD COLUMN lease_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE campaign_runner ADD COLUMN lease_owner VARCHAR(64);
ALTER TABLE campaign_runner ADD COLUMN lease_until TIMESTAMP WITH TIME ZONE;
