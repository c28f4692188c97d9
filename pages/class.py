"""Class: a teacher starts a class and projects its board (ui/class_board.py); students join on the Join page."""

from gradscape.ui import class_board
from gradscape.ui.frame import page_frame

page_frame("Class")
teacher = class_board.teacher()
if teacher is None:
    class_board.start_form()
else:
    class_board.show(teacher)
