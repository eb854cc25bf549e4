// id: large_unit_not_in_street_committee
// kind: rule
// title_zh: 未进街道“大工委”的代表性驻区单位
// title_en: Representative resident units not on the street working committee
// description_zh: 有代表性的驻区单位——重点单位，建有本单位党组织（联合党支部不算）的中央、省、市属单位，或职工人数不少于政策设置 representative_staff（默认300人）的单位——没有本单位工作人员担任所在街道党工委兼职委员（街道大工委）。
// description_en: Representative resident units (key units; central, provincial or city units with a party org of their own, a joint branch not counting; or units whose staff is at least representative_staff, policy, default 300) with nobody working there holding a current part_time_member seat on the street committee of their street (街道大工委).
// source: 000 街道党工委兼职委员442人
// severity: low
// remedy_zh: 推选代表性驻区单位党组织负责人担任街道党工委兼职委员，参与街道区域化党建。
// remedy_en: Have the representative unit's party leader join the street working committee as a part-time member.
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
MATCH (a)<-[:LOCATED_IN]-(x:Unit {resident: true})
WITH DISTINCT s, c, x
OPTIONAL MATCH (x)<-[:BASED_IN]-(o:PartyOrg)
WITH s, c, x, sum(CASE WHEN o.kind <> 'joint_branch' THEN 1 ELSE 0 END) AS own
WITH s, c, x, own, coalesce(x.key_unit, false) AS key_unit,
     coalesce(x.affiliation IN ['central', 'province', 'city'], false) AS upper,
     coalesce(x.staff >= $representative_staff, false) AS large
WHERE key_unit OR (upper AND own > 0) OR large
OPTIONAL MATCH (s)<-[:COVERS]-(:PartyOrg {kind: 'street_committee'})<-[h:HOLDS]-()-[:WORKS_AT]->(x)
WHERE h.role = 'part_time_member' AND (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR $as_of <= h.until)
WITH s, c, x, key_unit, upper, own, count(h) AS seats
WHERE seats = 0
RETURN 'large_unit_not_in_street_committee' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       CASE WHEN key_unit THEN '重点单位' WHEN upper AND own > 0 THEN CASE x.affiliation WHEN 'central' THEN '中央单位' WHEN 'province' THEN '省属单位' ELSE '市属单位' END
            ELSE '职工' + toString(x.staff) + '人' END + '，无人担任街道党工委兼职委员' AS detail,
       '推选代表性驻区单位党组织负责人担任街道党工委兼职委员，参与街道区域化党建。' AS remedy
ORDER BY street_id, community_id, id
