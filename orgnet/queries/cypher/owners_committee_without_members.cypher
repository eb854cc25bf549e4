// id: owners_committee_without_members
// kind: rule
// title_zh: 无党员的业主委员会（交叉任职）
// title_en: Owners' committees without party members (cross-appointment)
// description_zh: 没有党员在其中任职（工作单位为该业主委员会）的业主委员会（业委会党员交叉任职）。
// description_en: Owners' committees with no party member on them (no member whose unit is the committee): no cross-appointment.
// source: 004 业委会; 001
// severity: low
// remedy_zh: 推荐党员业主通过法定程序进入业主委员会，推行党组织班子成员与业委会成员交叉任职。
// remedy_en: Have member-owners stand for the owners' committee; cross-appoint party and committee members.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF*0..2]-(a:Area)
WITH DISTINCT s, c, a
MATCH (a)<-[:LOCATED_IN]-(x:Unit {kind: 'owners_committee'})
WITH DISTINCT s, c, x
OPTIONAL MATCH (x)<-[:WORKS_AT]-(m:Member)
WITH s, c, x, count(m) AS members
WHERE members = 0
RETURN 'owners_committee_without_members' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       '业主委员会中无党员（未实现交叉任职）' AS detail,
       '推荐党员业主通过法定程序进入业主委员会，推行党组织班子成员与业委会成员交叉任职。' AS remedy
ORDER BY street_id, community_id, id
