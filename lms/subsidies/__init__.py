"""The subsidy package (培训补贴材料) of a closed class: hours, attendance
and study evidence, assessment results and certificates, as a workbook and
a printable PDF. It reads from every feature; nothing imports it."""
