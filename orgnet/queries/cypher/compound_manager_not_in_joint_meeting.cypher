// id: compound_manager_not_in_joint_meeting
// kind: rule
// title_zh: 未纳入社区党建联席会议的物业公司和业委会
// title_en: Property companies and owners' committees outside the community's joint meeting
// description_zh: 位于社区内的物业公司和业主委员会，本单位及其党组织都不是所在社区党组织联席会议的在任成员单位。
// description_en: Property companies and owners' committees located in a community that are not, directly or through their party org, current member units of the joint meeting of the community's committee.
// source: 003 社区党建联席会议吸纳业委会、物业公司
// severity: medium
// remedy_zh: 将物业公司、业主委员会纳入社区党建联席会议成员单位，定期参会协商小区事务。
// remedy_en: Take the property company or owners' committee into the community's joint meeting as a member unit.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF*0..2]-(a:Area)
WITH DISTINCT s, c, a
MATCH (a)<-[:LOCATED_IN]-(x:Unit)
WHERE x.kind IN ['property_company', 'owners_committee']
WITH DISTINCT s, c, x
OPTIONAL MATCH (x)<-[:BASED_IN*0..1]-()-[j:JOINT_MEMBER_OF]->(o:PartyOrg)-[:COVERS]->(c)
WHERE o.kind = 'community_committee' AND (j.since IS NULL OR j.since <= $as_of)
  AND (j.until IS NULL OR $as_of <= j.until)
WITH s, c, x, count(j) AS seats
WHERE seats = 0
RETURN 'compound_manager_not_in_joint_meeting' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       CASE WHEN x.kind = 'property_company' THEN '物业公司未纳入社区党建联席会议'
            ELSE '业主委员会未纳入社区党建联席会议' END AS detail,
       '将物业公司、业主委员会纳入社区党建联席会议成员单位，定期参会协商小区事务。' AS remedy
ORDER BY street_id, community_id, id
