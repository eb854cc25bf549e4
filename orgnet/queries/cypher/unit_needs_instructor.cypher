// id: unit_needs_instructor
// kind: rule
// title_zh: 需选派党建指导员的单位
// title_en: Units that need a party-building instructor
// description_zh: 有1–2名正式党员在此工作，没有党组织（本单位或联合党支部）且没有在任党建指导员的单位。
// description_en: Units with 1–2 formal members working there, no party org based in them (own or joint) and no instructor in office.
// source: 004 不足3名…选派党建指导员; 001 联合党支部
// severity: medium
// remedy_zh: 选派党建指导员，或与邻近单位组建联合党支部。
// remedy_en: Appoint a party-building instructor or form a joint branch with neighbouring units.
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF*0..2]-(a:Area)
WITH DISTINCT s, c, a
MATCH (a)<-[:LOCATED_IN]-(x:Unit)<-[:WORKS_AT]-(m:Member {status: 'formal'})
WITH s, c, x, count(m) AS formal
WHERE formal <= 2
OPTIONAL MATCH (x)<-[b:BASED_IN]-()
WITH s, c, x, formal, b
WHERE b IS NULL
OPTIONAL MATCH (x)<-[h:HOLDS]-()
WHERE h.role = 'instructor' AND (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR $as_of <= h.until)
WITH s, c, x, formal, h
WHERE h IS NULL
RETURN 'unit_needs_instructor' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       toString(formal) + '名正式党员，无党组织，未选派党建指导员' AS detail, '选派党建指导员，或与邻近单位组建联合党支部。' AS remedy
ORDER BY street_id, community_id, id
