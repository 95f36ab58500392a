-- Flyway creates the schema; no other service reads or writes it.
comment on schema restore_worker is 'Owned by restore-worker: the record of the recovery commands it carried out.';
