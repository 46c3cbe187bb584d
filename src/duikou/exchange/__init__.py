"""What leaves duikou: 任务分工 tables and other workbooks, open data, IATI XML and the public pages."""
