-- Flyway creates the schema; no other service reads or writes it.
comment on schema scheduler is 'Owned by scheduler-service: its copy of the backup policies and the windows it fired.';
