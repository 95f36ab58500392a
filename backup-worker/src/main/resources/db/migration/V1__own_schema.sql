-- Flyway creates the schema; no other service reads or writes it.
comment on schema backup_worker is 'Owned by backup-worker: the record of the backup commands it carried out.';
