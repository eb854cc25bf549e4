// id: partner_candidates
// kind: linkage
// title_zh: 联建候选单位
// title_en: Candidate partner units
// description_zh: 为每个社区列出可能的联建单位及理由：位于本社区或同一街道、其资源类别对应本社区待对接需求的单位；其党员居住在本社区的单位。
// description_en: For each community, units that could become partners and why: units located in the community or in the same street whose resource categories match the community's open needs; units whose members live in the community.
// source: 003 需求清单/供给清单; 001 资源联用
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, unit_id, unit, unit_kind, unit_street_id, categories, members_living
MATCH (c:Community)
WHERE $community_id IS NULL OR c.id = $community_id
OPTIONAL MATCH (c)-[:PART_OF]->(s:Street)
WITH c, s
WHERE $street_id IS NULL OR s.id = $street_id
WITH c, s, [(c)-[:RAISED]->(n:Need) WHERE n.status = 'open' AND n.category IS NOT NULL | n.category] AS cats
WITH c, s,
  [(c)<-[:PART_OF*0..]-(:Area)<-[:LIVES_IN]-(m:Member)-[:WORKS_AT]->(u:Unit) | {u: u, k: 0, x: m.id}]
  + [(c)<-[:PART_OF*0..]-(:Area)<-[:LOCATED_IN]-(u:Unit)-[:OFFERS]->(r:Resource)
      WHERE r.category IN cats | {u: u, k: 1, x: r.category}]
  + [(c)-[:PART_OF]->(:Street)<-[:PART_OF]-(:Community)<-[:PART_OF*0..]-(:Area)<-[:LOCATED_IN]-(u:Unit)-[:OFFERS]->(r:Resource)
      WHERE r.category IN cats | {u: u, k: 1, x: r.category}]
  AS items
UNWIND items AS it
WITH c, s, it.u AS u, it.k AS k, collect(DISTINCT it.x) AS xs
WITH c, s, u,
  sum(CASE WHEN k = 0 THEN size(xs) ELSE 0 END) AS members_living,
  collect(CASE WHEN k = 1 THEN xs ELSE [] END) AS catlists
WITH c, s, u, members_living, reduce(acc = [], l IN catlists | acc + l) AS categories
RETURN c.id AS community_id, c.name AS community, s.id AS street_id,
       u.id AS unit_id, u.name AS unit, u.kind AS unit_kind,
       head([(u)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(:Community)-[:PART_OF]->(us:Street) | us.id]) AS unit_street_id,
       categories, members_living
ORDER BY community_id, unit_id
