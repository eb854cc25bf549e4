// id: partner_candidates
// kind: linkage
// title_zh: 联建候选单位（资源对应需求）
// title_en: Candidate partner units (resources matching open needs)
// description_zh: 为每个社区列出位于本社区或同一街道、其资源类别对应本社区待对接需求类别的单位，及对应的类别。居住在社区的党员人数见 linkage_channels 的 resident_members。
// description_en: For each community, units located in the community or in the same street whose resource categories match the community's open need categories, with those categories. Members living in the community come from resident_members of linkage_channels.
// source: 003 需求清单/供给清单; 001 资源联用
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, unit_id, unit, unit_kind, unit_street_id, categories
MATCH (u:Unit)-[:OFFERS]->(r)
WHERE r.category IS NOT NULL
WITH u, collect(DISTINCT r.category) AS ucats
// only the communities a unit can serve (its own and its street's), never every community:
// the product of all units and all communities outgrew the query memory limit at city scale
MATCH (u)-[:LOCATED_IN]->()-[:PART_OF*0..]->(uc:Community)
OPTIONAL MATCH (uc)-[:PART_OF]->(us:Street)
OPTIONAL MATCH (us)<-[:PART_OF]-(near:Community)
WITH u, ucats, collect(DISTINCT uc.id) AS ucs, collect(DISTINCT us.id) AS uss,
     collect(DISTINCT uc) + collect(DISTINCT near) AS reach
UNWIND reach AS c
WITH DISTINCT u, ucats, ucs, uss, c
WHERE $community_id IS NULL OR c.id = $community_id
MATCH (c)-[:RAISED]->(n)
WHERE n.status = 'open' AND n.category IS NOT NULL
OPTIONAL MATCH (c)-[:PART_OF]->(s:Street)
WITH u, ucats, ucs, uss, c, s, collect(DISTINCT n.category) AS cats
WHERE $street_id IS NULL OR s.id = $street_id
WITH c, s, u, [x IN ucats WHERE x IN cats] AS categories, ucs, uss
WHERE size(categories) > 0 AND (c.id IN ucs OR (s IS NOT NULL AND s.id IN uss))
RETURN c.id AS community_id, c.name AS community, s.id AS street_id,
       u.id AS unit_id, u.name AS unit, u.kind AS unit_kind,
       CASE WHEN s IS NOT NULL AND s.id IN uss THEN s.id ELSE head(uss) END AS unit_street_id,
       categories
ORDER BY community_id, unit_id
