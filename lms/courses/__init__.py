"""Online courses: catalogue, lessons, lesson quizzes and honest study hours (学时)."""
