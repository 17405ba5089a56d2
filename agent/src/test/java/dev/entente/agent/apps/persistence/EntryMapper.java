package dev.entente.agent.apps.persistence;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;

/** MyBatis' mapper of table {@code entry}. */
public interface EntryMapper {

    @Insert("insert into entry (id, stack) values (#{id}, #{stack})")
    void insert(@Param("id") String id, @Param("stack") String stack);
}
