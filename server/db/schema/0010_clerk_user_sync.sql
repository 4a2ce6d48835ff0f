-- Users as Clerk knows them: a user deleted in Clerk keeps its row and its ledger (the history of
-- money stays whole) but loses its email and is marked deleted; `profile_updated_at` is Clerk's
-- `updated_at` of the profile last applied, so a late, older `user.updated` cannot undo a newer one.
alter table users add column deleted_at timestamptz;
alter table users add column profile_updated_at timestamptz;
