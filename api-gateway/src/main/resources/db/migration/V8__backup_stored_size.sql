-- what a backup takes in the store (compressed, encrypted, with its key index), beside its RDB's size; null for
-- backups announced before it was reported
alter table backup add column stored_bytes bigint;
