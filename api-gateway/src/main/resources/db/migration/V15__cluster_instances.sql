-- A Redis Cluster instance: its seed nodes (host:port, comma-separated; the first is host and port), which node of
-- each shard its backups read, and how many shards it had when it was last checked. Null for a single server.
alter table instance add column cluster_nodes text;
alter table instance add column snapshot_source varchar(32);
alter table instance add column cluster_shards integer;
-- A cluster backup's shards (slots, where and when each was taken, size, keys, SHA-256), as JSON; null otherwise.
alter table backup add column shards text;
