// id: kpi_joint_meeting_members
// kind: kpi
// title_zh: 联席会议联系的党员
// title_en: Members linked through joint meetings
// description_zh: 单位党组织（含联合党支部）的党员中，所在组织通过街道或社区党建联席会议联系的比例；分子为通过联席会议联系的党员数。
// description_en: Share of the members of unit party orgs (unit_org and joint_branch) whose organization is linked through a street or community joint meeting; the numerator counts the members linked through the joint meetings.
// source: 003 联席会议共联系辖区单位党组织1155个、党员45991名
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
MATCH (o)<-[:MEMBER_OF]-(mb:Member)
WITH cid, ok, count(mb) AS n
WITH cid, sum(CASE WHEN ok THEN n ELSE 0 END) AS numerator, sum(n) AS denominator
WHERE $community_id IS NULL OR cid = $community_id
OPTIONAL MATCH (c:Community {id: cid})
OPTIONAL MATCH (c)-[:PART_OF]->(s:Street)
WITH cid, c, s, numerator, denominator
WHERE $street_id IS NULL OR s.id = $street_id
RETURN cid AS community_id, c.name AS community, s.id AS street_id, s.name AS street,
       numerator, denominator
ORDER BY community_id
