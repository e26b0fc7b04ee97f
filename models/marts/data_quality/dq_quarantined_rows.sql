-- Every quarantined row with its reason's severity and title, and the practice it is
-- reported to: the row's own practice when the practices file knows it, else the practice of
-- the patient's latest registration at a known practice. Rows that reach no practice (a
-- patient with no registration, an unknown practice code and no known patient) keep a null
-- attributed_practice_code and are reported in the extract-wide summary.

with

quarantine as (

    select * from {{ ref('stg_gp_extract__quarantine') }}

),

practices as (

    select practice_code from {{ ref('stg_gp_extract__practices') }}

),

checks as (

    select * from {{ ref('qof_dq_checks') }}

),

registrations as (

    select
        patient_id,
        practice_code,
        start_date,
        quarantine_reason
    from {{ ref('base_gp_extract__registrations') }}
    where patient_id is not null

),

patient_practice as (

    select distinct on (registrations.patient_id)
        registrations.patient_id,
        registrations.practice_code
    from registrations
    inner join practices
        on registrations.practice_code = practices.practice_code
    order by
        registrations.patient_id asc,
        registrations.quarantine_reason is not null asc,
        registrations.start_date desc nulls last,
        registrations.practice_code asc

),

final as (

    select
        quarantine.table_name,
        quarantine.source_file,
        quarantine.record_id,
        quarantine.patient_id,
        quarantine.practice_code,
        coalesce(practices.practice_code, patient_practice.practice_code) as attributed_practice_code,
        quarantine.record_date,
        quarantine.quarantine_reason,
        checks.severity,
        checks.title,
        quarantine.raw_record
    from quarantine
    left join practices
        on quarantine.practice_code = practices.practice_code
    left join patient_practice
        on quarantine.patient_id = patient_practice.patient_id
    left join checks
        on quarantine.quarantine_reason = checks.check_code

)

select * from final
