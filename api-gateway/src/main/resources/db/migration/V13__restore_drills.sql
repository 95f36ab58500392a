-- Restore drills: a backup's last verdict (PASSED or FAILED, with why), and the drill asked for and not yet heard of;
-- a policy's drills: NONE, AFTER_EVERY_BACKUP or WEEKLY.
alter table backup add column verification varchar(16);
alter table backup add column verified_at timestamptz;
alter table backup add column verification_error text;
alter table backup add column verify_task_id uuid;
alter table backup add column verify_requested_at timestamptz;
alter table backup_policy add column drill varchar(32) not null default 'NONE';
