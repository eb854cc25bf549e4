// id: property_company_without_org
// kind: rule
// title_zh: 未建党组织的物业公司（红色物业）
// title_en: Property companies without a party organization (red property management)
// description_zh: 没有本单位党组织、未纳入联合党支部、也没有在岗党建指导员的物业公司（红色物业：物业企业党的组织和工作覆盖；党员不足3人的，选派党建指导员即为覆盖）。
// description_en: Property companies with no party org of their own, in no joint branch and with no instructor in post on as_of (red property management: an instructor is the coverage of a company with fewer than 3 members, 004).
// source: 004 红色物业; 001
// severity: medium
// remedy_zh: 有正式党员3名以上的，在物业公司建立党支部；不足3名的，纳入联合党支部或选派党建指导员（指导员到岗即实现覆盖）。
// remedy_en: Form a branch in the property company (3 or more formal members); with fewer, take it into a joint branch or send an instructor (an instructor in post closes the gap).
// param: as_of date =today
// param: street_id str =null
// param: community_id str =null
// columns: rule, id, name, kind, street_id, street, community_id, community, detail, remedy
MATCH (s:Street)<-[:PART_OF]-(c:Community)
WHERE ($street_id IS NULL OR s.id = $street_id)
  AND ($community_id IS NULL OR c.id = $community_id)
MATCH (c)<-[:PART_OF*0..2]-(a:Area)
WITH DISTINCT s, c, a
MATCH (a)<-[:LOCATED_IN]-(x:Unit {kind: 'property_company'})
WITH DISTINCT s, c, x
OPTIONAL MATCH (x)<-[:BASED_IN]-(o:PartyOrg)
WITH s, c, x, count(o) AS orgs
WHERE orgs = 0
OPTIONAL MATCH (x)<-[h:HOLDS]-(:Member)
WHERE h.role = 'instructor' AND (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR $as_of <= h.until)
WITH s, c, x, count(h) AS instructors
WHERE instructors = 0
RETURN 'property_company_without_org' AS rule, x.id AS id, x.name AS name, x.kind AS kind,
       s.id AS street_id, s.name AS street, c.id AS community_id, c.name AS community,
       '物业公司未建党组织，未纳入联合党支部，也未选派党建指导员' AS detail,
       '有正式党员3名以上的，在物业公司建立党支部；不足3名的，纳入联合党支部或选派党建指导员（指导员到岗即实现覆盖）。' AS remedy
ORDER BY street_id, community_id, id
