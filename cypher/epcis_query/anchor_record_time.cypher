// Every event in a recordTime range, walked in recordTime order through the index.
// :param orgs => ['demo']   :param timeLow => ''   :param timeHigh => '\uffff'
MATCH (e:Event)
USING INDEX e:Event(recordTime)
WHERE e.recordTime >= $timeLow AND e.recordTime < $timeHigh
  AND e.owner IN $orgs
