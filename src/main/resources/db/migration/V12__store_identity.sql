-- The store's own id, made by the first server that starts on it (store.StoreIdentity). Containers
-- and volumes carry it as a label, so that servers sharing a store and a Docker engine remove what a
-- dead one left there, and never touch what servers of another store left on the same engine.
CREATE TABLE store_identity (
    singleton  INTEGER      PRIMARY KEY,
    id         VARCHAR(40)  NOT NULL
);
