-- The Orleans ADO.NET providers read every statement they run from this table (QueryKey -> QueryText).
-- Table and column names are fixed by the providers; everything the queries touch is ours.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL PRIMARY KEY,
    QueryText varchar(8000) NOT NULL
);
