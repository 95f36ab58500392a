-- The outbox's table (module outbox): messages written in the same transaction as the change they announce, relayed
-- to Kafka afterwards and deleted once the broker has them. A null payload is a tombstone (a compacted topic's
-- record removed). Shipped with the module, as a repeatable migration: every service that uses the outbox lists
-- db/outbox among its Flyway locations, whatever its own versions are. Databases made before the module shipped it
-- already have the table (from the gateway's V2 and V3, the scheduler's V2); this leaves them as they are.
create table if not exists outbox_message (
    id          bigserial primary key,
    topic       varchar(100) not null,
    message_key varchar(100) not null,
    payload     text,
    created_at  timestamptz  not null
);
alter table outbox_message alter column payload drop not null;
