# The thread lab: the grader's program (user/threadtest.c) is linked with
# the student's thread package, labs/thread/uthread.c and
# labs/thread/uthread_switch.S.
THREAD_OBJS := $(B)/labs/thread/uthread.c.o $(B)/labs/thread/uthread_switch.S.o

$(B)/labs/thread/uthread_switch.S.o: labs/thread/uthread_switch.S
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -c $< -o $@

$(B)/labs/thread/_threadtest: $(THREAD_OBJS)
$(B)/labs/thread/_threadtest: ULIB += $(THREAD_OBJS)
