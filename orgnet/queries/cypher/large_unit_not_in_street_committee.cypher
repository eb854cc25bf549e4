// id: large_unit_not_in_street_committee
// kind: rule
// title_zh: 未进街道“大工委”的大型驻区单位
// title_en: Large resident units not on the street working committee
// description_zh: 机关、国有企业，或职工人数不少于100人的驻区单位，没有本单位工作人员担任所在街道党工委兼职委员（街道大工委）。
// description_en: Resident state organs and state enterprises, or units with at least 100 staff (model.LARGE_UNIT_STAFF), with nobody working there holding part_time_member on the street committee of their street (街道大工委).
// source: 000 街道党工委兼职委员442人
// severity: low
// remedy_zh: 推选大型驻区单位负责人担任街道党工委兼职委员，参与街道区域化党建。
// remedy_en: Have the unit's leader join the street working committee as a part-time member.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF*0..2]-(a:Area)
WITH DISTINCT s, c, a
MATCH (a)<-[:LOCATED_IN]-(x:Unit {resident: true})
WHERE x.kind IN ['agency', 'state_enterprise'] OR x.staff >= 100
WITH DISTINCT s, c, x
OPTIONAL MATCH (s)<-[:COVERS]-(:PartyOrg {kind: 'street_committee'})<-[h:HOLDS]-()-[:WORKS_AT]->(x)
WHERE h.role = 'part_time_member' AND (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR $as_of <= h.until)
WITH s, c, x, count(h) AS seats
WHERE seats = 0
RETURN 'large_unit_not_in_street_committee' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       CASE WHEN x.kind IN ['agency', 'state_enterprise'] THEN '机关或国有企业，无人担任街道党工委兼职委员'
            ELSE '职工' + toString(x.staff) + '人，无人担任街道党工委兼职委员' END AS detail,
       '推选大型驻区单位负责人担任街道党工委兼职委员，参与街道区域化党建。' AS remedy
ORDER BY street_id, community_id, id
