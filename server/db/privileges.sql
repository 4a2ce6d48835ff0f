-- The privileges step: run by `migrate` after every run (and last in the Supabase CLI export), in its
-- own transaction under the migration lock. See server/db/README.md, "Privileges (Supabase)".
--
-- Guard: it does nothing unless a role named `anon` or `authenticated` exists (Supabase, or a
-- database that recreates its roles). On PGlite and plain PostgreSQL it returns at once.
--
-- Otherwise, for every table, view, materialized view, sequence and routine of the schema Topup
-- migrates into (current_schema(), `public` by default) that the migrating role owns and that no
-- extension owns:
--   - every privilege of PUBLIC, `anon` and `authenticated` is revoked;
--   - `service_role` (when it exists) gets what supabase-js RPC calls need, since the functions are
--     not security definer and run as the caller: execute on routines, select/insert/update/delete on
--     tables and views, usage/select/update on sequences;
--   - row-level security is enabled on tables, with no policy: `anon` and `authenticated` see no row
--     even if a privilege comes back; the owner and `service_role` (bypassrls on Supabase) are not
--     affected.
-- and the migrating role's default privileges stop granting new objects to PUBLIC (functions),
-- `anon` and `authenticated`, so an object created by a later migration is never exposed, even
-- before this step runs again.
--
-- It is idempotent and cheap: each statement is issued only when the catalog says it would change
-- something, so a boot with nothing to do writes no catalog row and takes no table lock (enabling
-- row-level security takes an ACCESS EXCLUSIVE lock, so it must not run on every boot).
do $privileges$
declare
  v_schema text := current_schema();
  v_exposed regrole[] := array(
    select oid::regrole from pg_roles where rolname in ('anon', 'authenticated') order by rolname);
  v_exposed_oids oid[];
  v_exposed_list text;
  v_service regrole := to_regrole('service_role');
  v_object record;
begin
  if cardinality(v_exposed) = 0 then
    return;
  end if;
  v_exposed_oids := array(select unnest(v_exposed)::oid);
  v_exposed_list := 'public, ' || array_to_string(v_exposed, ', ');

  for v_object in
    select c.oid, c.relkind, format('%I.%I', n.nspname, c.relname) as name,
           coalesce(c.relacl, acldefault((case when c.relkind = 'S' then 's' else 'r' end)::"char", c.relowner)) as acl,
           c.relrowsecurity
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = v_schema and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
       and pg_has_role(current_user, c.relowner, 'USAGE')
       and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
  loop
    if exists (select from aclexplode(v_object.acl) a where a.grantee = 0 or a.grantee = any(v_exposed_oids)) then
      execute format('revoke all on %s %s from %s',
        case when v_object.relkind = 'S' then 'sequence' else 'table' end, v_object.name, v_exposed_list);
    end if;
    if v_service is not null then
      if v_object.relkind = 'S' then
        if (select count(distinct a.privilege_type) from aclexplode(v_object.acl) a
             where a.grantee = v_service and a.privilege_type in ('USAGE', 'SELECT', 'UPDATE')) < 3 then
          execute format('grant usage, select, update on sequence %s to %s', v_object.name, v_service);
        end if;
      elsif (select count(distinct a.privilege_type) from aclexplode(v_object.acl) a
              where a.grantee = v_service and a.privilege_type in ('SELECT', 'INSERT', 'UPDATE', 'DELETE')) < 4 then
        execute format('grant select, insert, update, delete on table %s to %s', v_object.name, v_service);
      end if;
    end if;
    if v_object.relkind in ('r', 'p') and not v_object.relrowsecurity then
      execute format('alter table %s enable row level security', v_object.name);
    end if;
  end loop;

  for v_object in
    select p.oid::regprocedure as name, coalesce(p.proacl, acldefault('f'::"char", p.proowner)) as acl
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = v_schema
       and pg_has_role(current_user, p.proowner, 'USAGE')
       and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
  loop
    if exists (select from aclexplode(v_object.acl) a where a.grantee = 0 or a.grantee = any(v_exposed_oids)) then
      execute format('revoke all on routine %s from %s', v_object.name, v_exposed_list);
    end if;
    if v_service is not null
       and not exists (select from aclexplode(v_object.acl) a where a.grantee = v_service and a.privilege_type = 'EXECUTE') then
      execute format('grant execute on routine %s to %s', v_object.name, v_service);
    end if;
  end loop;

  -- Default privileges of the migrating role: PUBLIC's execute is a global default (it can only be
  -- revoked without IN SCHEMA); Supabase's grants to anon and authenticated are per schema.
  if exists (select from pg_default_acl d
              cross join lateral aclexplode(d.defaclacl) a
              where d.defaclrole = current_user::regrole
                and (d.defaclnamespace = 0 or d.defaclnamespace = v_schema::regnamespace)
                and (a.grantee = any(v_exposed_oids) or (a.grantee = 0 and d.defaclobjtype = 'f')))
     or not exists (select from pg_default_acl d
                     where d.defaclrole = current_user::regrole and d.defaclnamespace = 0 and d.defaclobjtype = 'f') then
    execute format('alter default privileges revoke execute on functions from public');
    execute format('alter default privileges revoke all on tables from %s', array_to_string(v_exposed, ', '));
    execute format('alter default privileges revoke all on sequences from %s', array_to_string(v_exposed, ', '));
    execute format('alter default privileges revoke all on functions from %s', array_to_string(v_exposed, ', '));
    execute format('alter default privileges in schema %I revoke all on tables from %s', v_schema, array_to_string(v_exposed, ', '));
    execute format('alter default privileges in schema %I revoke all on sequences from %s', v_schema, array_to_string(v_exposed, ', '));
    execute format('alter default privileges in schema %I revoke all on functions from %s', v_schema, array_to_string(v_exposed, ', '));
  end if;
end
$privileges$;
