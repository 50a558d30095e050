// Master data of the facilities (or parties) and products the FSMA 204 reports describe.
//
//   :param facilities => ['414/0860002000014']
//   :param products => ['01/00860002010018']
CALL () {
  UNWIND $facilities AS key
  MATCH (f:Facility|Party {id: key})
  RETURN collect(properties(f)) AS facilities
}
CALL () {
  UNWIND $products AS key
  MATCH (p:Product {id: key})
  RETURN collect(properties(p)) AS products
}
RETURN facilities, products
