// id: kpi_joint_meeting_orgs
// kind: kpi
// title_zh: 联席会议联系的单位党组织
// title_en: Unit party organizations linked through joint meetings
// description_zh: 单位党组织（含联合党支部）中，本组织或其所在单位是街道或社区党建联席会议在任成员单位的比例；分子为通过联席会议联系的单位党组织数。
// description_en: Share of the unit party orgs (unit_org and joint_branch) that are, themselves or through a unit they are based in, current member units of a street or community joint meeting; the numerator counts the unit party organizations linked through the joint meetings.
// source: 003 联席会议共联系辖区单位党组织1155个
// group: cobuilding
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: community_id, community, street_id, street, numerator, denominator
MATCH (o:PartyOrg)-[:BASED_IN]->(:Unit)-[:LOCATED_IN]->(a)
WHERE o.kind IN ['unit_org', 'joint_branch']
OPTIONAL MATCH (a)-[:PART_OF*0..]->(c:Community)
WITH o, min(c.id) AS cid
OPTIONAL MATCH (o)-[:BASED_IN*0..1]->()-[j:JOINT_MEMBER_OF]->(m:PartyOrg)
WHERE m.kind IN ['community_committee', 'street_committee'] AND (j.since IS NULL OR j.since <= $as_of)
  AND (j.until IS NULL OR $as_of <= j.until)
WITH o, cid, count(j) > 0 AS ok
WITH cid, sum(CASE WHEN ok THEN 1 ELSE 0 END) AS numerator, count(*) AS denominator
WHERE $community_id IS NULL OR cid = $community_id
OPTIONAL MATCH (c:Community {id: cid})
OPTIONAL MATCH (c)-[:PART_OF]->(s:Street)
WITH cid, c, s, numerator, denominator
WHERE $street_id IS NULL OR s.id = $street_id
RETURN cid AS community_id, c.name AS community, s.id AS street_id, s.name AS street,
       numerator, denominator
ORDER BY community_id
