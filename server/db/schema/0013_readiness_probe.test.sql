-- The probe table holds one row at most.
do $$
begin
  perform pg_temp.assert_refused($sql$insert into readiness_probe (id, written_at) values (2, now())$sql$, '23514', 'a second probe row must be refused');
end
$$;
