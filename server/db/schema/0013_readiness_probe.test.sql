-- The probe table holds one row at most.
do $$
begin
  begin
    insert into readiness_probe (id, written_at) values (2, now());
    assert false, 'a second probe row must be refused';
  exception when check_violation then null;
  end;
end
$$;
