// id: neighbourhood
// kind: view
// scope: nodes id, other_id
// title_zh: 节点的直接关联
// title_en: Neighbourhood of a node
// description_zh: 与指定编号的节点直接相连的所有节点及关系方向。
// description_en: Every node directly tied to the node with the given id, with the relationship and its direction.
// param: id str
// param: limit int =200
// columns: id, name, label, relationship, direction, other_id, other_name, other_label
MATCH (n {id: $id})-[r]-(m)
WHERE NOT m:OrgnetMeta AND NOT n:OrgnetStaging AND NOT n:OrgnetRetired
RETURN n.id AS id, n.name AS name, labels(n)[0] AS label, type(r) AS relationship,
       CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction,
       m.id AS other_id, coalesce(m.name, m.title, m.topic) AS other_name, labels(m)[0] AS other_label
ORDER BY relationship, other_label, other_id
LIMIT $limit
