{#-
    Cancer screening programmes: which clusters play which role in each programme.

    test                adequate screening test (counts for coverage)
    non_adequate        inadequate test, incomplete participation or a non-response finding
    invitation          invitation to screening recorded by the practice
    unsuitable          screening unsuitable (cervical QOF PCA CSPU)
    decline             informed dissent (cervical QOF PCA CSDEC; bowel and breast: programme decline)
    no_response_pca     the cervical "no response to three invitations" PCA code (CSPCAINV)
    exclusion           permanent exclusion (cervix removed: NOCX)
    possible_exclusion  a record suggesting an exclusion that is not coded (e.g. a subtotal or
                        unspecified hysterectomy): the worklist asks the practice to check it
    `reason` is the code reported for a PCA-type role. Clusters without codes in the seed (e.g.
    COLCANSCRDEC_COD) fill in when the NHS Digital refsets are loaded (docs/clusters.md).
-#}
{% macro screening_cluster_roles() %}
    {{ return([
        {'programme': 'cervical', 'role': 'test', 'cluster': 'SMEAR_COD', 'reason': none},
        {'programme': 'cervical', 'role': 'non_adequate', 'cluster': 'SMEARINADEQ_COD', 'reason': none},
        {'programme': 'cervical', 'role': 'non_adequate', 'cluster': 'CSNONRESP_COD', 'reason': none},
        {'programme': 'cervical', 'role': 'invitation', 'cluster': 'CSINVITE_COD', 'reason': none},
        {'programme': 'cervical', 'role': 'unsuitable', 'cluster': 'CSPU_COD', 'reason': 'CSPU'},
        {'programme': 'cervical', 'role': 'decline', 'cluster': 'CSDEC_COD', 'reason': 'CSDEC'},
        {'programme': 'cervical', 'role': 'no_response_pca', 'cluster': 'CSPCAINVITE_COD', 'reason': 'CSPCAINV'},
        {'programme': 'cervical', 'role': 'exclusion', 'cluster': 'NOCX_COD', 'reason': 'NOCX'},
        {'programme': 'cervical', 'role': 'possible_exclusion', 'cluster': 'HYSTOTH_COD', 'reason': none},
        {'programme': 'bowel', 'role': 'test', 'cluster': 'COLCANSCR_COD', 'reason': none},
        {'programme': 'bowel', 'role': 'non_adequate', 'cluster': 'COLCANSCRNR_COD', 'reason': none},
        {'programme': 'bowel', 'role': 'decline', 'cluster': 'COLCANSCRDEC_COD', 'reason': 'COLCANSCRDEC'},
        {'programme': 'breast', 'role': 'test', 'cluster': 'BRCANSCR_COD', 'reason': none},
        {'programme': 'breast', 'role': 'decline', 'cluster': 'BRCANSCRDEC_COD', 'reason': 'BRCANSCRDEC'},
    ]) }}
{% endmacro %}

{#- The cluster roles as a relation (programme, role, cluster_code, reason_code). -#}
{% macro screening_cluster_roles_relation() %}
    select
        programme,
        role,
        cluster_code,
        reason_code
    from (
        values
        {%- for row in screening_cluster_roles() %}
            (
                '{{ row.programme }}',
                '{{ row.role }}',
                '{{ row.cluster }}',
                {% if row.reason %}'{{ row.reason }}'{% else %}cast(null as varchar){% endif %}
            ){% if not loop.last %},{% endif %}
        {%- endfor %}
    ) as roles (programme, role, cluster_code, reason_code)
{% endmacro %}

{#- True when a date lies in the `months` months up to and including `reference_date`:
    strictly after (reference_date - months) and on or before reference_date, the
    within_months convention (docs/assumptions.md A2) for any reference date. `months` may be
    a number or a SQL expression. -#}
{% macro within_months_of(date_expression, reference_date, months) -%}
    (
        {{ date_expression }} > cast({{ reference_date }} - to_months(cast({{ months }} as integer)) as date)
        and {{ date_expression }} <= {{ reference_date }}
    )
{%- endmacro %}

{#- Patients short of a coverage standard: the fewest extra people who must be screened for
    screened / eligible to reach `standard_pct` (in percent), never below zero. eligible x
    percent is exact, so a standard met exactly needs nobody more. -#}
{% macro patients_to_standard(eligible, screened, standard_pct) -%}
    cast(
        case
            when {{ standard_pct }} is null then null
            else greatest(cast(ceil({{ eligible }} * {{ standard_pct }} / 100.0) as bigint) - {{ screened }}, 0)
        end
        as bigint
    )
{%- endmacro %}

{#- Coverage (screened / eligible), null when nobody is eligible. -#}
{% macro coverage_ratio(numerator, denominator) -%}
    (case when {{ denominator }} = 0 then null else cast({{ numerator }} as double) / {{ denominator }} end)
{%- endmacro %}
