import StackFile
