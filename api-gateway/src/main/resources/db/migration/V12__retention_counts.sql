-- Retention of automatic backups by count (grandfather-father-son), besides or instead of days: null keeps nothing.
alter table backup_policy add column keep_last int;
alter table backup_policy add column keep_daily int;
alter table backup_policy add column keep_weekly int;
alter table backup_policy add column keep_monthly int;
