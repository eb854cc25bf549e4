// id: node_counts
// kind: view
// scope: district
// title_zh: 各类节点数量
// title_en: Node counts by label
// description_zh: 图中每类节点（按主标签）的数量。
// description_en: How many nodes of each primary label the graph holds (the follow-up ledger and the results stored at load, which share a Neo4j database, not counted).
// columns: label, n
MATCH (n)
WHERE NOT n:OrgnetMeta AND NOT n:FollowUp AND NOT n:StoredResult AND NOT n:OrgnetStaging AND NOT n:OrgnetRetired
RETURN labels(n)[0] AS label, count(*) AS n
ORDER BY label
