/** Channel history and the idempotency window in Redis, shared by every node of a cluster (docs/clustering.md). */
package ca.metered.realtime.server.history.redis;
