// id: linkage_unit_streets
// kind: linkage
// title_zh: 单位所在社区与街道
// title_en: Community and street of every unit
// description_zh: 每个单位所在（或所属）的社区与街道（多个时取编号最小者），用于联建候选单位的"同一街道"理由；给定街道时只列该街道的单位。
// description_en: The community and street each unit is located in (smallest id when several); used for the "same street" reason of partner candidates. With street_id: only the units of that street.
// source: a unit's community is the community its area_id is, or lies in
// param: street_id str =null
// columns: unit_id, unit, unit_kind, resident, community_id, street_id
MATCH (u:Unit)
OPTIONAL MATCH (u)-[:LOCATED_IN]->()-[:PART_OF*0..]->(c:Community)
OPTIONAL MATCH (c)-[:PART_OF]->(s:Street)
WITH u, min(c.id) AS community_id, min(s.id) AS street_id
WHERE $street_id IS NULL OR street_id = $street_id
RETURN u.id AS unit_id, u.name AS unit, u.kind AS unit_kind, coalesce(u.resident, false) AS resident,
       community_id, street_id
ORDER BY unit_id
