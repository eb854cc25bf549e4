// id: resident_unit_not_in_committee
// kind: rule
// title_zh: 未进社区“大党委”的驻区单位
// title_en: Resident units not on the community committee
// description_zh: 有本单位党组织，但没有本单位工作人员担任所在社区党组织兼职委员的驻区单位。
// description_en: Resident units with a party org based in them but nobody working there holding part_time_member on the committee of the community they are located in.
// source: 000 兼职委员; 004 大党委
// severity: medium
// remedy_zh: 推荐驻区单位党组织负责人担任社区党组织兼职委员。
// remedy_en: Have the unit's party leader join the community committee as a part-time member.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (x:Unit {resident: true})
WHERE (x)<-[:BASED_IN]-(:PartyOrg)
OPTIONAL MATCH (x)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(c:Community)
WITH x, min(c.id) AS cid
WITH x, cid, [(x)<-[:WORKS_AT]-(:Member)-[h:HOLDS]->(:PartyOrg {kind: 'community_committee'})-[:COVERS]->(cc:Community) WHERE cc.id = cid AND h.role = 'part_time_member' AND (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR $as_of <= h.until) | h] AS seats
WHERE size(seats) = 0
WITH x
OPTIONAL MATCH (x)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(c:Community)
WITH x, min(c.id) AS community_id, collect(DISTINCT c) AS cs
OPTIONAL MATCH (x)-[:LOCATED_IN]->(:Area)-[:PART_OF*0..]->(s:Street)
WITH x, community_id, cs, min(s.id) AS street_id, collect(DISTINCT s) AS ss
WHERE ($street_id IS NULL OR street_id = $street_id)
  AND ($community_id IS NULL OR community_id = $community_id)
RETURN 'resident_unit_not_in_committee' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       street_id, head([k IN ss WHERE k.id = street_id | k.name]) AS street,
       community_id, head([k IN cs WHERE k.id = community_id | k.name]) AS community,
       '有单位党组织，无人担任所在社区党组织兼职委员' AS detail, '推荐驻区单位党组织负责人担任社区党组织兼职委员。' AS remedy
ORDER BY street_id, community_id, id
