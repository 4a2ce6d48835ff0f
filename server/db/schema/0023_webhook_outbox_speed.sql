-- The outbox, cheaper per movement and per poll (docs/webhooks.md, "Cost"), and the depletion
-- alarm's own state now that alerts follow available credits (functions/webhooks.sql).
--
-- Due deliveries are found per endpoint: the worker's claim walks the enabled endpoints and takes
-- each one's due rows from this index, so the waiting deliveries of a disabled endpoint are never
-- scanned by a poll, and one endpoint's backlog cannot starve another's.
create index webhook_deliveries_endpoint_due_index on webhook_deliveries (endpoint_id, next_attempt_at, id) where status = 'pending';
drop index webhook_deliveries_due_index;
-- The same as the primary key read backwards: one index less to write per delivery.
drop index webhook_deliveries_list_index;
-- Room on each page, so the claim's update (claimed_until, claim_token: no index) stays a HOT
-- update on the same page instead of a new tuple in every index. New pages only.
alter table webhook_deliveries set (fillfactor = 70);

-- Whether the next fall of available credits to 0 or less announces balance.depleted (armed again
-- above 0). Null: not known yet (decided from the credits before the movement, as low_armed is).
alter table balance_alert_states add column depleted_armed boolean;
