-- A venue registered before the column existed counts from the day it was created (a calendar day in Vietnam, UTC+7).
UPDATE `venues` SET `registered_on` = date(`created_at`, '+7 hours') WHERE `registered_on` IS NULL;
