// id: resident_unit_not_in_committee
// kind: rule
// title_zh: 未进社区“大党委”的代表性驻区单位
// title_en: Representative resident units not on the community committee
// description_zh: 建有本单位党组织（联合党支部不算）、且为重点单位或职工人数不少于政策设置 representative_staff（默认300人）的驻区单位，没有本单位工作人员担任所在社区党组织兼职委员。
// description_en: Resident units with a party org of their own (a joint branch does not count) that are key units or have at least representative_staff staff (policy, default 300), with nobody working there holding a current part_time_member seat on the committee of the community they are located in.
// source: 000 兼职委员; 004 大党委
// severity: medium
// remedy_zh: 推荐驻区单位党组织负责人担任社区党组织兼职委员。
// remedy_en: Have the unit's party leader join the community committee as a part-time member.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// param: representative_staff int =policy
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF*0..2]-(a:Area)
WITH DISTINCT s, c, a
MATCH (a)<-[:LOCATED_IN]-(x:Unit {resident: true})<-[:BASED_IN]-(o:PartyOrg)
WHERE o.kind <> 'joint_branch'
  AND (coalesce(x.key_unit, false) OR coalesce(x.staff >= $representative_staff, false))
WITH DISTINCT s, c, x, coalesce(x.key_unit, false) AS key_unit
OPTIONAL MATCH (c)<-[:COVERS]-(:PartyOrg {kind: 'community_committee'})<-[h:HOLDS]-()-[:WORKS_AT]->(x)
WHERE h.role = 'part_time_member' AND (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR $as_of <= h.until)
WITH s, c, x, key_unit, count(h) AS seats
WHERE seats = 0
RETURN 'resident_unit_not_in_committee' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       CASE WHEN key_unit THEN '重点单位' ELSE '职工' + toString(x.staff) + '人' END + '，有单位党组织，无人担任所在社区党组织兼职委员' AS detail, '推荐驻区单位党组织负责人担任社区党组织兼职委员。' AS remedy
ORDER BY street_id, community_id, id
