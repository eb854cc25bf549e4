// id: linkage_street_ties
// kind: linkage
// title_zh: 单位的街道层面联建（大工委兼职委员、街道联席会议成员）
// title_en: Units' street-level ties (street committee seats, street joint-meeting membership)
// description_zh: 对每个街道S的每个社区C与单位U：在本单位工作、截至统计日担任S的街道党工委兼职委员（街道大工委）的人数（tie = seat），以及单位或其党组织截至统计日为S的街道党工委所召集联席会议的成员单位的次数（tie = member，每个召集党组织计一次）。每行为该单位与S内一个社区的组合（同一街道的各社区数值相同），联建评分表的“街道联建”一项即加到这些组合上。
// description_en: For every community C of a street S and unit U: the people working at U holding part_time_member on S's street committee at as_of (tie = seat: the 大工委 seats), and the street committees of S whose joint meeting U or U's party org is a member of at as_of (tie = member, one per convener). One row per community of S (the same counts for each), so the score sheet's street item is added to each of U's pairs in S, and the rows are placed in a community like every linkage row.
// source: 000 街道党工委兼职委员; 003 街道党建联席会议
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, street_id, street, unit_id, unit, tie, n
MATCH (s:Street)<-[:COVERS]-(o:PartyOrg)
WHERE o.kind = 'street_committee' AND ($street_id IS NULL OR s.id = $street_id)
MATCH (o)<-[h:HOLDS]-(m:Member)-[:WORKS_AT]->(u:Unit)
WHERE h.role = 'part_time_member' AND (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR h.until >= $as_of)
WITH s, u, count(DISTINCT m) AS n
MATCH (c:Community)-[:PART_OF]->(s)
WHERE $community_id IS NULL OR c.id = $community_id
RETURN c.id AS community_id, s.id AS street_id, s.name AS street, u.id AS unit_id, u.name AS unit, 'seat' AS tie, n
UNION ALL
MATCH (s:Street)<-[:COVERS]-(o:PartyOrg)
WHERE o.kind = 'street_committee' AND ($street_id IS NULL OR s.id = $street_id)
MATCH (o)<-[j:JOINT_MEMBER_OF]-()-[:BASED_IN*0..1]->(u:Unit)
WHERE (j.since IS NULL OR j.since <= $as_of) AND (j.until IS NULL OR j.until >= $as_of)
WITH s, u, count(DISTINCT o) AS n
MATCH (c:Community)-[:PART_OF]->(s)
WHERE $community_id IS NULL OR c.id = $community_id
RETURN c.id AS community_id, s.id AS street_id, s.name AS street, u.id AS unit_id, u.name AS unit, 'member' AS tie, n
