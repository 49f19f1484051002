{#-
  Connected components over a bipartite graph of source records and link keys, by
  min-label propagation: every record starts with its own key as label; each round, a
  link key takes the smallest label of its records and every record takes the smallest
  label of its keys. Each round spans record -> key -> record, so `iterations` rounds
  resolve every chain of up to `iterations` links. Portable SQL (joins and group by).

  nodes_relation: (record_key);  edges_relation: (record_key, link_key), usable edges only.
  Returns CTEs ending in `components` (record_key, cluster_key, is_converged) where
  is_converged is false when the last round still changed the label (raise iterations).
-#}
{% macro connected_components_ctes(nodes_relation, edges_relation, iterations) -%}
labels_0 as (
    select
        record_key,
        record_key as label
    from {{ nodes_relation }}
),
{% for i in range(iterations) %}
key_labels_{{ i }} as (
    select
        edges.link_key,
        min(labels_{{ i }}.label) as label
    from {{ edges_relation }} as edges
    inner join labels_{{ i }}
        on edges.record_key = labels_{{ i }}.record_key
    group by edges.link_key
),

labels_{{ i + 1 }} as (
    select
        candidates.record_key,
        min(candidates.label) as label
    from (
        select
            record_key,
            label
        from labels_{{ i }}
        union all
        select
            edges.record_key,
            key_labels_{{ i }}.label
        from {{ edges_relation }} as edges
        inner join key_labels_{{ i }}
            on edges.link_key = key_labels_{{ i }}.link_key
    ) as candidates
    group by candidates.record_key
),
{% endfor %}
components as (
    select
        final_labels.record_key,
        final_labels.label as cluster_key,
        final_labels.label = previous_labels.label as is_converged
    from labels_{{ iterations }} as final_labels
    inner join labels_{{ iterations - 1 }} as previous_labels
        on final_labels.record_key = previous_labels.record_key
)
{%- endmacro %}
