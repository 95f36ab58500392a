-- A Redis Cluster's seed nodes (host:port, comma-separated) and which node of each shard its backups read, from its
-- policy record; null for a single server.
alter table policy add column cluster_nodes text;
alter table policy add column snapshot_source varchar(32);
