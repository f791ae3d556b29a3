-- Junction schema, version 1.
--
-- Metadata tables hang off vhost with ON DELETE CASCADE, so deleting a vhost deletes what is
-- in it. The message and queue_delivery tables have no foreign key (see below), so
-- PgMetadataStore deletes a queue's messages and delivered-up-to itself.

CREATE TABLE vhost (
  name text PRIMARY KEY
);

CREATE TABLE exchange (
  vhost       text    NOT NULL REFERENCES vhost (name) ON DELETE CASCADE,
  name        text    NOT NULL,
  type        text    NOT NULL,
  durable     boolean NOT NULL,
  auto_delete boolean NOT NULL,
  internal    boolean NOT NULL,
  arguments   jsonb   NOT NULL DEFAULT '{}',
  PRIMARY KEY (vhost, name)
);

-- Queue ids come from a sequence and are never reused, so a lease epoch of a deleted queue
-- can never be mistaken for one of a new queue with the same name.
CREATE SEQUENCE queue_id_seq;

CREATE TABLE queue (
  id          bigint  PRIMARY KEY DEFAULT nextval('queue_id_seq'),
  vhost       text    NOT NULL REFERENCES vhost (name) ON DELETE CASCADE,
  name        text    NOT NULL,
  durable     boolean NOT NULL,
  exclusive   boolean NOT NULL,
  auto_delete boolean NOT NULL,
  arguments   jsonb   NOT NULL DEFAULT '{}',
  UNIQUE (vhost, name)
);

ALTER SEQUENCE queue_id_seq OWNED BY queue.id;

-- Bindings name their source and destination (as RabbitMQ does); the identity includes the
-- arguments, hashed because a jsonb value may be too large for a btree entry.
CREATE TABLE binding (
  vhost            text  NOT NULL REFERENCES vhost (name) ON DELETE CASCADE,
  source           text  NOT NULL,
  destination_type text  NOT NULL CHECK (destination_type IN ('queue', 'exchange')),
  destination      text  NOT NULL,
  routing_key      text  NOT NULL,
  arguments        jsonb NOT NULL DEFAULT '{}'
);

CREATE UNIQUE INDEX binding_identity ON binding
  (vhost, source, destination_type, destination, routing_key, md5(arguments::text));
CREATE INDEX binding_destination ON binding (vhost, destination_type, destination);

-- Who owns a queue. A takeover bumps the epoch; every write batch checks owner and epoch
-- under FOR SHARE, so a superseded owner cannot write. Released leases keep their epoch
-- (owner NULL) so epochs never repeat. Renewals update these rows every few seconds:
-- leave room on each page for HOT updates.
CREATE TABLE queue_lease (
  queue_id   bigint      PRIMARY KEY REFERENCES queue (id) ON DELETE CASCADE,
  owner      text,
  epoch      bigint      NOT NULL,
  expires_at timestamptz NOT NULL
) WITH (fillfactor = 50);

CREATE INDEX queue_lease_owner ON queue_lease (owner);

-- One row per message; seq orders a queue. No foreign key: a per-row referential check on
-- the hottest table costs more than it protects. props holds MessageCodec's encoding of the
-- exchange, routing key and properties. Rows are inserted once and deleted when acked,
-- never updated (delivery state lives in the owner's memory), so the default fillfactor of
-- 100 is right; but rows die as fast as they are born, so autovacuum must not wait for a
-- fraction of the table to be dead (the default 20% lets a busy queue bloat by gigabytes)
-- nor throttle itself. Insert-driven vacuum keeps the visibility map fresh for the
-- index-only scans of a backlog.
CREATE TABLE message (
  queue_id bigint NOT NULL,
  seq      bigint NOT NULL,
  props    bytea  NOT NULL,
  body     bytea  NOT NULL,
  PRIMARY KEY (queue_id, seq)
) WITH (
  autovacuum_vacuum_scale_factor = 0,
  autovacuum_vacuum_threshold = 10000,
  autovacuum_vacuum_cost_delay = 0,
  autovacuum_vacuum_insert_scale_factor = 0,
  autovacuum_vacuum_insert_threshold = 100000,
  autovacuum_analyze_scale_factor = 0.05
);

-- The delivered-up-to of each queue (the highest seq delivered), upserted with write batches: HOT-friendly too. No
-- foreign key either: its check would make a write batch lock the queue row, and a batch
-- must lock nothing but lease rows (in queue order) to never deadlock with a queue delete.
CREATE TABLE queue_delivery (
  queue_id        bigint PRIMARY KEY,
  delivered_up_to bigint NOT NULL
) WITH (fillfactor = 50);
