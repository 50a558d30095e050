// How many recall watches exist (the watch worker starts only when there are some).
RETURN COUNT { (w:Watch) } AS n
