"""Skill competitions (职业技能大赛): events, stations, judging, results and awards."""
