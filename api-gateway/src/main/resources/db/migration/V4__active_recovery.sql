-- The recovery accepted for an instance and not yet ended: a second one is refused until it ends.
alter table instance add column active_recovery_task_id uuid;
